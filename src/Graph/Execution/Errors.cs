namespace ActorGraph.Execution;

internal static class Errors
{
    public static FailedPreconditionException Uninitialized(Operation variable) => new(UninitializedText(variable.Name));

    private const string UninitializedPrefix = "Attempting to use uninitialized value ";

    // Adds what only the client's graph knows to an uninitialized-variable error, wherever it was
    // raised (the executor, or a parameter server that has no graph): the variable's initializer.
    public static Exception WithGraphHints(Graph graph, Exception error)
    {
        if (error is not FailedPreconditionException || !error.Message.StartsWith(UninitializedPrefix) || error.Message.Contains("Its own initializer")) return error;
        var rest = error.Message.AsSpan(UninitializedPrefix.Length);
        int end = rest.IndexOfAny([' ', ':', '\n']);
        var name = (end < 0 ? rest : rest[..end]).ToString();
        Operation op;
        try { op = graph.GetOperation(name); }
        catch (KeyNotFoundException) { return error; }
        var hint = InitializerHint(op);
        return hint.Length == 0 ? error : new FailedPreconditionException(error.Message + hint, error);
    }

    // Which initializer to run: the variable's own, and why an existing 'init' did not cover it
    // (TF.GlobalVariablesInitializer covers only the variables that exist when it is called).
    internal static string InitializerHint(Operation variable)
    {
        if (variable.Outputs is not [Variable v] || v.Initializer is not { } own) return "";
        var text = $"\n  Its own initializer is the op '{own.Name}' ({variable.Name}.Initializer).";
        var inits = variable.Graph.Operations.Where(o => o.Type == "NoOp" && (o.Name == "init" || o.Name.StartsWith("init_"))).ToList();
        if (inits.Count > 0 && !inits.Any(i => i.ControlInputs.Contains(own)))
        {
            var names = string.Join(", ", inits.Select(i => $"'{i.Name}'"));
            text += $"\n  The graph's {names} does not cover {variable.Name}: it was created before {variable.Name} existed. " +
                    "Call TF.GlobalVariablesInitializer() after creating the last variable.";
        }
        return text;
    }

    // Shared with the parameter servers, so local and distributed runs say the same thing.
    public static string UninitializedText(string variable) =>
        $"Attempting to use uninitialized value {variable}\n  Run its initializer first: " +
        $"session.Run(TF.GlobalVariablesInitializer()) once the variables exist, or session.Run(variable.Initializer).";

    // TensorFlow's as_graph_element text for an element of another graph.
    public static string NotInGraph(Fetch f) => f.Tensor is { } t
        ? $"Tensor {t} is not an element of this graph."
        : $"Operation '{f.Operation.Name}' is not an element of this graph.";

    // The chain of tensors from a fetch back to `target`, for errors that say why it was needed.
    public static List<string>? ChainTo(Operation target, IReadOnlyList<Operation> roots, ISet<Tensor> fed)
    {
        var parent = new Dictionary<Operation, Operation?>();
        var queue = new Queue<Operation>();
        foreach (var r in roots)
            if (parent.TryAdd(r, null)) queue.Enqueue(r);
        while (queue.Count > 0)
        {
            var op = queue.Dequeue();
            if (op == target)
            {
                var chain = new List<string>();
                for (Operation? o = op; o is not null; o = parent[o]) chain.Add(o.Outputs.Count > 0 ? o.Outputs[0].Name : o.Name);
                chain.Reverse();
                return chain;
            }
            var inputs = op.InputArray;
            for (int i = op.Def.RefInputs; i < inputs.Length; i++)
                if (!fed.Contains(inputs[i]) && parent.TryAdd(inputs[i].Op, op)) queue.Enqueue(inputs[i].Op);
            foreach (var c in op.ControlInputArray)
                if (parent.TryAdd(c, op)) queue.Enqueue(c);
        }
        return null;
    }
}
