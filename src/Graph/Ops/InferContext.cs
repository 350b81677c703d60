namespace ActorGraph.Ops;

// What an op's inference sees: its (unique) name, inputs and attributes.
public sealed class InferContext(string opName, string type, Tensor[] inputs, IReadOnlyDictionary<string, object> attrs)
{
    public string OpName { get; } = opName;
    public string Type { get; } = type;
    public Tensor[] Inputs { get; } = inputs;
    public IReadOnlyDictionary<string, object> Attrs { get; } = attrs;

    public Tensor Input(int i) => Inputs[i];

    public T Attr<T>(string key) => Attrs.TryGetValue(key, out var v)
        ? (T)v
        : throw Error($"missing attribute '{key}'");

    public T Attr<T>(string key, T fallback) => Attrs.TryGetValue(key, out var v) ? (T)v : fallback;

    public void ExpectInputs(int count)
    {
        if (Inputs.Length != count) throw Error($"expects {count} input(s), got {Inputs.Length}");
    }

    // Inputs of an element-wise op must share one dtype.
    public DType SameDType()
    {
        var dtype = Inputs[0].DType;
        foreach (var t in Inputs)
            if (t.DType != dtype)
                throw Error($"inputs must have the same dtype, got {Describe()}; use TF.Cast to convert one of them");
        return dtype;
    }

    public void ExpectDType(int input, Func<DType, bool> allowed, string what)
    {
        if (!allowed(Inputs[input].DType)) throw Error($"input {input} must be {what}, got {Describe()}");
    }

    // "Add (op 'add_3'): inputs must …; inputs: 'x:0' float32 (2, 3), 'y:0' int32 (3,)".
    public ArgumentException Error(string problem) => new($"{Type} (op '{OpName}'): {problem}.");

    public string Describe() => string.Join(", ", Inputs.Select(t => $"'{t.Name}' {t.DType.PythonName()} {t.Shape}"));
}
