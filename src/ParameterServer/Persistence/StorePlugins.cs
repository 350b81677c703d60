using ActorGraph.Messaging;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;

namespace ActorGraph.ParameterServer.Persistence;

// Akka.Persistence.Sql journal and snapshot-store plugins for one store, added to any ActorSystem
// at run time (the session's own, a TestKit's, the CLI's) under plugin ids of their own.
public static class StorePlugins
{
    private static readonly Lock Gate = new();

    // By snapshot plugin id: a shard told only the plugin finds the store's chunk table.
    private static readonly Dictionary<string, CheckpointStore> Stores = [];

    public static void Attach(ActorSystem system, CheckpointStore store)
    {
        lock (Gate)
        {
            if (!system.Settings.Config.HasPath(store.JournalPluginId + ".class"))
                system.Settings.InjectTopLevelFallback(Hocon(store));
            EnsureSerializer(system);
            Stores[store.SnapshotPluginId] = store;
        }
    }

    // The store behind a snapshot plugin attached in this process; null for any other plugin (in memory, a test's).
    public static CheckpointStore? StoreOf(string snapshotPluginId)
    {
        lock (Gate) return Stores.GetValueOrDefault(snapshotPluginId);
    }

    // Only what differs from the plugin's own defaults, which it falls back to for every other key.
    public static Config Hocon(CheckpointStore store) => ConfigurationFactory.ParseString($$"""
        {{store.JournalPluginId}} {
          class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
          plugin-dispatcher = "akka.persistence.dispatchers.default-plugin-dispatcher"
          plugin-id = "{{store.JournalPluginId}}"
          connection-string = "{{Escape(store.ConnectionString)}}"
          provider-name = "{{store.ProviderName}}"
          auto-initialize = on
          warn-on-auto-init-fail = false
        }
        {{store.SnapshotPluginId}} {
          class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
          plugin-dispatcher = "akka.persistence.dispatchers.default-plugin-dispatcher"
          plugin-id = "{{store.SnapshotPluginId}}"
          connection-string = "{{Escape(store.ConnectionString)}}"
          provider-name = "{{store.ProviderName}}"
          auto-initialize = on
          warn-on-auto-init-fail = false
        }
        """);

    // Events and snapshots go through the project's MessagePack serializer. A caller's system may have
    // been started without ActorGraphSerialization.Hocon: bind it now rather than journal JSON.
    private static void EnsureSerializer(ActorSystem system)
    {
        var serialization = system.Serialization;
        if (serialization.FindSerializerForType(typeof(ShardSnapshot)) is ActorGraphSerializer) return;
        var serializer = new ActorGraphSerializer((ExtendedActorSystem)system);
        serialization.AddSerializer("actorgraph", serializer);
        serialization.AddSerializationMap(typeof(IActorGraphMessage), serializer);
    }

    public static IActorRef SnapshotStore(ActorSystem system, CheckpointStore store)
    {
        Attach(system, store);
        return Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(store.SnapshotPluginId);
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
