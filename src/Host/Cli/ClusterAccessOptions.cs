using System.CommandLine;
using ActorGraph.Coordinator.Cluster;

namespace ActorGraph.Host.Cli;

// What admits a process to a cluster: its secret and its TLS certificate. A node and a client of the
// same cluster take them alike, from the flags or else from ACTORGRAPH_SECRET and ACTORGRAPH_TLS_*.
internal sealed class ClusterAccessOptions
{
    public Option<string?> Secret { get; } = new("--secret")
    {
        Description = "The cluster's shared secret; nodes and clients without it are refused (env ACTORGRAPH_SECRET)",
        DefaultValueFactory = _ => CommonOptions.FromEnvironment("SECRET"),
        HelpName = "S",
    };

    public Option<string?> TlsCertificate { get; } = new("--tls-cert")
    {
        Description = "Remoting over TLS with this PKCS#12 certificate, which every node and client of the cluster shares and which each accepts alone (env ACTORGRAPH_TLS_CERT)",
        DefaultValueFactory = _ => CommonOptions.FromEnvironment("TLS_CERT"),
        HelpName = "FILE.pfx",
    };

    public Option<string?> TlsPassword { get; } = new("--tls-password")
    {
        Description = "The certificate's password (env ACTORGRAPH_TLS_PASSWORD)",
        DefaultValueFactory = _ => CommonOptions.FromEnvironment("TLS_PASSWORD"),
        HelpName = "P",
    };

    public IEnumerable<Option> All => [Secret, TlsCertificate, TlsPassword];

    public string? SecretOf(ParseResult parsed) => parsed.GetValue(Secret);

    public RemotingTls? TlsOf(ParseResult parsed)
    {
        var certificate = parsed.GetValue(TlsCertificate);
        if (string.IsNullOrEmpty(certificate) && Given(parsed, TlsPassword))
            throw new CliException("--tls-password is the password of --tls-cert: give the certificate too (--tls-cert FILE.pfx or ACTORGRAPH_TLS_CERT).", ExitCodes.Usage);
        return RemotingTls.From(certificate, parsed.GetValue(TlsPassword));
    }

    // A client's access to the cluster at `cluster`. In local mode it talks to no cluster: a secret or
    // certificate typed for one is a mistake worth saying.
    public ClusterAccess ForClient(ParseResult parsed, string? cluster)
    {
        if (cluster is null)
        {
            foreach (var option in All)
                if (Given(parsed, option))
                    throw new CliException($"{option.Name} is for a cluster: add --cluster ADDR (without --cluster the command runs in local mode, which has no secret or TLS).", ExitCodes.Usage);
            return new ClusterAccess(null, null);
        }
        return new ClusterAccess(SecretOf(parsed), TlsOf(parsed));
    }

    // Typed on the command line, not filled in from the environment.
    private static bool Given(ParseResult parsed, Option option) => parsed.GetResult(option) is { Implicit: false };
}

internal sealed record ClusterAccess(string? Secret, RemotingTls? Tls)
{
    // The session's view: "" is plain TCP, whatever ACTORGRAPH_TLS_CERT says (the flags above read it already).
    public string CertificatePath => Tls?.CertificatePath ?? "";
}
