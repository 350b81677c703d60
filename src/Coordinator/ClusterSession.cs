using Akka.Actor;

namespace ActorGraph.Coordinator;

// What makes a session's coordinator a cluster one: its plan and step ids start at IdBase (every
// session shares the cluster's workers and shards), variables the parameter servers already hold
// keep their shard (Pinned, by name), and paths it sends carry the node's address.
public sealed record ClusterSession(long IdBase, IReadOnlyDictionary<string, int> Pinned, Address SelfAddress, DataParallelism? DataParallel = null);
