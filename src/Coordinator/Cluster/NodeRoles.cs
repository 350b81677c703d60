namespace ActorGraph.Coordinator.Cluster;

// A node's cluster role, and the well-known actors each role starts before it joins.
public static class NodeRoles
{
    public const string Coordinator = "coordinator";
    public const string Worker = "worker";
    public const string ParameterServer = "ps";
    public static readonly string[] All = [Coordinator, Worker, ParameterServer];

    public const string WorkerActor = "worker";
    public const string ShardHostActor = "ps";
    public const string SingletonManager = "coordinator";
    public const string SingletonProxy = "coordinator-proxy";
}
