using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;

namespace ActorGraph.Coordinator.Cluster;

// TLS for Akka.Remote with one certificate that the cluster's nodes and clients share (a PKCS#12
// file): each side presents it and accepts only a peer that presents the same certificate (pinned by
// thumbprint), so a process without the file can neither connect to a node nor be connected to.
// The cluster's secret keeps foreign nodes out of the cluster and its sessions; this also keeps a
// hostile process that can reach the port from sending anything to a node's actors at all.
public sealed record RemotingTls(string CertificatePath, string? Password)
{
    public const string CertificateVariable = "ACTORGRAPH_TLS_CERT";
    public const string PasswordVariable = "ACTORGRAPH_TLS_PASSWORD";

    // The given file, else ACTORGRAPH_TLS_CERT; the given password, else ACTORGRAPH_TLS_PASSWORD.
    // Null when neither names a file, or when the path given is "" (plain TCP whatever the environment says).
    public static RemotingTls? From(string? path, string? password = null)
    {
        path ??= Environment.GetEnvironmentVariable(CertificateVariable);
        return string.IsNullOrEmpty(path) ? null : new RemotingTls(path, password ?? Environment.GetEnvironmentVariable(PasswordVariable));
    }

    public static Config Hocon { get; } = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = true");

    // Mutual TLS that accepts only this certificate (AkkaLogging.CreateSystem puts it in a system's setup).
    public Setup SslSetup()
    {
        var certificate = Load();
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            customValidator: CertificateValidation.PinnedCertificate(certificate.Thumbprint));
    }

    private X509Certificate2 Load()
    {
        if (!File.Exists(CertificatePath))
            throw new ArgumentException($"The cluster's TLS certificate {CertificatePath} does not exist: give the PKCS#12 (.pfx) file every node and client shares.");
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, Password);
            if (!certificate.HasPrivateKey)
                throw new ArgumentException($"The cluster's TLS certificate {CertificatePath} holds no private key: export it with its key (PKCS#12).");
            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"The cluster's TLS certificate {CertificatePath} cannot be read (a wrong password? set {PasswordVariable} or --tls-password): {e.Message}", e);
        }
    }
}
