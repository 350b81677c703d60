using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorGraph.Coordinator.Cluster;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// A cluster whose remoting speaks TLS with one shared certificate: clients with it train as usual;
// a client or node with another certificate, or with none, gets nowhere.
[Collection("cluster")]
public class RemotingTlsTests
{
    // A self-signed certificate with its key, as `openssl req -x509 … && openssl pkcs12 -export` would make.
    private static RemotingTls NewCertificate(string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=actorgraph-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(Directory.CreateTempSubdirectory("actorgraph-tls-").FullName, "cluster.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return new RemotingTls(path, password);
    }

    [Fact]
    public async Task Only_peers_with_the_clusters_certificate_connect()
    {
        var tls = NewCertificate("pw");
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 1, tls: tls);
        var g = new Graph();
        using var scope = g.AsDefault();
        var count = TF.GetVariable("count", [], initializer: TF.ConstantInitializer(0));
        var add = TF.AssignAdd(count, TF.Constant(1f));
        SessionOptions Options(RemotingTls? client) => new()
        {
            Cluster = cluster.Seed, ClusterCertificate = client?.CertificatePath ?? "", ClusterCertificatePassword = client?.Password,
            ClusterConnectTimeout = TimeSpan.FromSeconds(6),
        };

        using (var session = new Session(g, Options(tls)))
        {
            session.Run(TF.GlobalVariablesInitializer());
            for (int i = 0; i < 3; i++) session.Run(add);
            Assert.Equal(3f, session.Run(count).ToScalar<float>());
        }
        // Another certificate, and plain TCP: no session.
        var other = NewCertificate("pw");
        Assert.Throws<UnavailableException>(() => new Session(g, Options(other)));
        Assert.Throws<UnavailableException>(() => new Session(g, Options(null)));
        // A node with another certificate never joins.
        await Assert.ThrowsAnyAsync<Exception>(() => ClusterNode.StartAsync(
            new NodeSettings(NodeRoles.Worker, Port: LoopbackCluster.FreePort(), SeedList: [cluster.Seed], Tls: other), joinTimeout: TimeSpan.FromSeconds(8)));
        await cluster.WaitServingAsync(workers: 1, ps: 1);
    }

    [Fact]
    public void A_wrong_password_or_a_missing_file_says_what_is_wrong()
    {
        var tls = NewCertificate("right");
        var wrong = Assert.Throws<ArgumentException>(() => (tls with { Password = "wrong" }).SslSetup());
        Assert.Contains("wrong password", wrong.Message);
        var missing = Assert.Throws<ArgumentException>(() => new RemotingTls("/nowhere/cluster.pfx", null).SslSetup());
        Assert.Contains("does not exist", missing.Message);
    }
}
