namespace ActorGraph.Coordinator.Cluster;

// A node's cluster roles, and the well-known actors each role starts before it joins. A node has one
// role, or is a coordinator beside one worker or ps role ("coordinator,worker"): as TF1's master runs
// inside a worker task, a coordinator that plans onto the worker in its own process saves every step
// a hop to another node and back.
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

    // "worker", "coordinator,worker", …: the roles in the order given, or an error that says which to give.
    public static string[] Parse(string roles)
    {
        var parsed = roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string usage = $"give one of {string.Join(", ", All)}, or coordinator with one of the others (as coordinator,worker)";
        if (parsed.Length == 0) throw new ArgumentException($"The node's role is empty: {usage}.");
        foreach (var role in parsed)
            if (!All.Contains(role)) throw new ArgumentException($"Unknown role '{role}': {usage}.");
        if (parsed.Distinct().Count() != parsed.Length) throw new ArgumentException($"The role '{roles}' names a role twice: {usage}.");
        if (parsed.Contains(Worker) && parsed.Contains(ParameterServer))
            throw new ArgumentException($"The role '{roles}' makes one node both a worker and a ps: {usage}; start a node for each.");
        if (parsed.Length > 2) throw new ArgumentException($"The role '{roles}' has too many roles: {usage}.");
        return parsed;
    }
}
