using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorGraph.ParameterServer.Persistence;
using Npgsql;
using Xunit;

namespace ActorGraph.Persistence.Tests;

public sealed class StoreTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(6);

    [Fact]
    public void The_default_store_is_a_sqlite_file_actorgraph_db_in_the_working_directory()
    {
        var store = CheckpointStore.Parse(null);
        Assert.Equal(StoreProvider.Sqlite, store.Provider);
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "actorgraph.db"), store.SqliteFile);
        Assert.Equal("SQLite.MS", store.ProviderName);
    }

    [Fact]
    public void A_sqlite_store_is_created_on_first_use_with_its_tables()
    {
        var file = Path.Combine(TestStores.TempFolder(), "new.db");
        var store = CheckpointStore.Parse($"Data Source={file}");
        Assert.False(File.Exists(file));
        new CheckpointCatalog(store).EnsureCreated();
        Assert.True(File.Exists(file));
        Assert.Empty(new CheckpointCatalog(store).List());
    }

    [Fact]
    public void A_postgres_store_is_described_by_host_port_database_and_user_never_by_its_password()
    {
        var store = CheckpointStore.Parse("Host=db.example;Port=6543;Database=train;Username=alice;Password=s3cret-pw");
        Assert.Equal(StoreProvider.PostgreSql, store.Provider);
        Assert.Equal("PostgreSQL database train at db.example:6543 as alice", store.Description);
        Assert.DoesNotContain("s3cret-pw", store.Description);
    }

    [Theory]
    [InlineData("Nonsense")]
    [InlineData("Color=blue;Size=3")]
    [InlineData("Data Source=:memory:")]
    public void A_connection_string_that_names_no_store_is_unavailable(string text)
    {
        Assert.Throws<UnavailableException>(() => CheckpointStore.Parse(text));
    }

    [Fact]
    public void A_sqlite_file_in_a_missing_folder_is_unavailable_naming_the_folder()
    {
        var store = CheckpointStore.Parse("Data Source=/nonexistent-actorgraph-folder/x/store.db");
        var error = Assert.Throws<UnavailableException>(() => StoreProbe.Check(store));
        Assert.Contains("/nonexistent-actorgraph-folder/x", error.Message);
    }

    [Fact]
    public void An_unreachable_postgres_server_is_unavailable_within_seconds_naming_host_and_port()
    {
        int port = ClosedPort();
        var store = CheckpointStore.Parse($"Host=127.0.0.1;Port={port};Database=none;Username=nobody;Password=pw-not-shown");
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<UnavailableException>(() => StoreProbe.Check(store));
        Assert.True(clock.Elapsed < Quickly, $"took {clock.Elapsed}");
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.DoesNotContain("pw-not-shown", error.Message);
    }

    [Fact]
    public void An_unroutable_postgres_host_is_unavailable_within_seconds_rather_than_hanging()
    {
        // TEST-NET-1: packets go nowhere, so only the timeout ends the attempt.
        var store = CheckpointStore.Parse("Host=192.0.2.1;Port=5432;Database=none;Username=nobody");
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<UnavailableException>(() => StoreProbe.Check(store));
        Assert.True(clock.Elapsed < Quickly, $"took {clock.Elapsed}");
        Assert.Contains("192.0.2.1:5432", error.Message);
    }

    [Fact]
    public void A_wrong_password_is_unavailable_naming_the_store_but_not_the_password()
    {
        var right = new NpgsqlConnectionStringBuilder(TestStores.PostgresSecure);
        StoreProbe.Check(CheckpointStore.Parse(right.ConnectionString));
        var wrong = new NpgsqlConnectionStringBuilder(right.ConnectionString) { Password = "not-the-password" };
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<UnavailableException>(() => StoreProbe.Check(CheckpointStore.Parse(wrong.ConnectionString)));
        Assert.True(clock.Elapsed < Quickly, $"took {clock.Elapsed}");
        Assert.Contains($"{right.Host}:{right.Port}", error.Message);
        Assert.Contains("password authentication failed", error.Message);
        Assert.DoesNotContain("not-the-password", error.Message);
    }

    [Fact]
    public void A_database_that_does_not_exist_is_unavailable_naming_it()
    {
        var server = TestStores.PostgresServer ?? TestStores.PostgresSecure;
        var missing = new NpgsqlConnectionStringBuilder(server) { Database = "no_such_database" };
        var error = Assert.Throws<UnavailableException>(() => StoreProbe.Check(CheckpointStore.Parse(missing.ConnectionString)));
        Assert.Contains("no_such_database", error.Message);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
