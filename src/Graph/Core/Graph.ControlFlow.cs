namespace ActorGraph;

// The bodies of Cond branches and WhileLoop functions while their functions are being called. An op
// created inside a body that uses a tensor from outside gets it through a placeholder of the body
// (a capture), so the body is a closed subgraph that its If/While op runs on its own; variables are
// used directly, so reads and writes inside reach the variable's owner when the body runs.
public sealed partial class Graph
{
    private readonly Dictionary<Operation, FunctionBody> _ownerOf = new(ReferenceEqualityComparer<Operation>.Instance);
    private FunctionBody? _body;

    internal sealed class FunctionBody(FunctionBody? parent)
    {
        public FunctionBody? Parent { get; } = parent;
        public List<Operation> Ops { get; } = [];
        // Outer[i] (a tensor of the enclosing body, or of the graph) reaches the body as Captures[i].
        public List<Tensor> Outer { get; } = [];
        public List<Tensor> Captures { get; } = [];
        public Dictionary<Tensor, Tensor> CaptureOf { get; } = new(ReferenceEqualityComparer<Tensor>.Instance);
        // Variables read inside but made outside: read directly when the body runs, and inputs of the If/While
        // op as well, so that gradients reach them and the worker serves them.
        public List<Tensor> Variables { get; } = [];
        // Control inputs on ops outside the body: the If/While op waits on them instead.
        public List<Operation> OutsideControls { get; } = [];
    }

    // The body whose function is being called now; null outside every Cond and WhileLoop function.
    internal FunctionBody? CurrentBody => _body;

    // Calls `build` with a new body open; the ops it creates belong to the body.
    internal FunctionBody Trace(Action<FunctionBody> build)
    {
        var body = new FunctionBody(_body);
        _body = body;
        try
        {
            build(body);
        }
        finally
        {
            _body = body.Parent;
        }
        return body;
    }

    // TensorFlow 2's init_scope: a variable made while a function is traced (GetVariable in a loop's body or a
    // branch) belongs to the graph, its initializer with it, and the function reads it as any variable from outside.
    internal IDisposable OutsideFunctions()
    {
        var saved = _body;
        _body = null;
        return MakeScope(() => _body = saved);
    }

    // Whether op was created in body (or in a body nested in it).
    internal bool IsInside(Operation op, FunctionBody body)
    {
        for (var b = _ownerOf.GetValueOrDefault(op); b is not null; b = b.Parent)
            if (b == body) return true;
        return false;
    }

    // The tensor `body` uses for t: t itself when made inside (or a variable), else its capture.
    internal Tensor Resolve(Tensor t, FunctionBody body)
    {
        if (IsInside(t.Op, body)) return t;
        if (t.Op.Def.IsVariable)
        {
            if (!body.Variables.Contains(t)) body.Variables.Add(t);
            return t;
        }
        if (body.CaptureOf.TryGetValue(t, out var capture)) return capture;
        var outer = body.Parent is null ? t : Resolve(t, body.Parent);
        var saved = _body;
        _body = body;
        try
        {
            capture = AddOperation("Placeholder", [], new Dictionary<string, object> { ["dtype"] = t.DType, ["shape"] = t.Shape }, "capture").Outputs[0];
        }
        finally
        {
            _body = saved;
        }
        body.Outer.Add(outer);
        body.Captures.Add(capture);
        body.CaptureOf[t] = capture;
        return capture;
    }

    private Tensor[] CaptureInputs(Ops.OpDef def, Tensor[] inputs)
    {
        if (_body is not { } body) return inputs;
        Tensor[]? resolved = null;
        for (int i = def.RefInputs; i < inputs.Length; i++)
        {
            var r = Resolve(inputs[i], body);
            if (ReferenceEquals(r, inputs[i])) continue;
            resolved ??= (Tensor[])inputs.Clone();
            resolved[i] = r;
        }
        return resolved ?? inputs;
    }

    private Operation[] KeepInsideControls(Operation[] control)
    {
        if (_body is not { } body || control.Length == 0) return control;
        var inside = new List<Operation>(control.Length);
        foreach (var c in control)
            if (IsInside(c, body)) inside.Add(c);
            else if (!body.OutsideControls.Contains(c)) body.OutsideControls.Add(c);
        return inside.ToArray();
    }

    private void RecordOwner(Operation op)
    {
        if (_body is not { } body) return;
        _ownerOf[op] = body;
        body.Ops.Add(op);
    }
}
