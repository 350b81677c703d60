using ActorGraph.Ops;
using ActorGraph.Wire;

namespace ActorGraph.Execution;

// An Assign of a value drawn from nothing (RandomUniform, RandomStandardNormal, Fill: no inputs) runs where its
// variable lives, as TensorFlow 1 colocates an initializer with its variable: the generator's definition travels to
// the parameter server, a few hundred bytes, and the table is drawn there, never sent.
internal static class GeneratedInitialValues
{
    public const string AssignType = "_AssignGenerated";
    // The generator's type among the _AssignGenerated's attributes; the others are the generator's own.
    public const string GeneratorAttr = "generator_type";
    private const string GeneratorSuffix = "/generated";

    private static readonly HashSet<string> GeneratorTypes = new(StringComparer.Ordinal) { "RandomUniform", "RandomStandardNormal", "Fill" };

    // A stage's ops with each Assign(variable, generator) folded into one _AssignGenerated where nothing else uses the
    // generator's value or the Assign's output (no op of the stage, and nothing in `used`: the tensors the stage
    // feeds, receives, fetches or sends). The folded op keeps the Assign's name, so control edges and targets still
    // find it; the generator is gone.
    public static OperationDef[] Fold(OperationDef[] ops, ISet<string> used)
    {
        Dictionary<string, OperationDef>? generators = null;
        foreach (var op in ops)
            if (IsGenerator(op)) (generators ??= new(StringComparer.Ordinal))[op.Name + ":0"] = op;
        if (generators is null) return ops;
        var consumers = new Dictionary<string, int>(StringComparer.Ordinal);
        var controlled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            foreach (var input in op.Inputs) consumers[input] = consumers.GetValueOrDefault(input) + 1;
            foreach (var c in op.ControlInputs) controlled.Add(c);
        }
        var folded = new Dictionary<string, OperationDef>(StringComparer.Ordinal);
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            if (op.Type != "Assign" || op.Inputs.Length != 2 || !generators.TryGetValue(op.Inputs[1], out var generator)) continue;
            if (consumers[op.Inputs[1]] != 1 || used.Contains(op.Inputs[1]) || controlled.Contains(generator.Name)) continue;
            if (consumers.ContainsKey(op.Name + ":0") || used.Contains(op.Name + ":0")) continue;
            var attrs = generator.Attrs.Append(AttrDef.Of(GeneratorAttr, generator.Type)).ToArray();
            folded[op.Name] = new OperationDef(op.Name, AssignType, [op.Inputs[0]], op.ControlInputs, op.Device, attrs);
            dropped.Add(generator.Name);
        }
        if (folded.Count == 0) return ops;
        return ops.Where(op => !dropped.Contains(op.Name)).Select(op => folded.GetValueOrDefault(op.Name, op)).ToArray();
    }

    private static bool IsGenerator(OperationDef op) =>
        GeneratorTypes.Contains(op.Type) && op.Inputs.Length == 0 && op.ControlInputs.Length == 0;

    // The generator an _AssignGenerated carries, as it would run on its own.
    public static OperationDef GeneratorOf(Operation assign)
    {
        var attrs = assign.Attrs.Where(a => a.Key != GeneratorAttr).OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => AttrDef.Of(a.Key, a.Value)).ToArray();
        return new OperationDef(assign.Name + GeneratorSuffix, assign.Attr<string>(GeneratorAttr), [], [], "", attrs);
    }

    // The value, drawn by the generator's own kernel: the same values a worker would have drawn.
    public static NDArray Generate(OperationDef generator)
    {
        if (!IsGenerator(generator))
            throw new InvalidArgumentException($"Op '{generator.Name}' of type {generator.Type} cannot draw an initial value on a parameter server; " +
                $"only {string.Join(", ", GeneratorTypes.Order(StringComparer.Ordinal))} without inputs can.");
        var op = Graph.FromDefs([generator]).GetOperation(generator.Name);
        var context = new KernelContext(op) { Step = new StepContext(new LocalVariableStore(), TextWriter.Null) };
        op.Def.Kernel!(context);
        return context.Outputs[0]!;
    }

    // The update with its value drawn, for whoever applies it; others as they are.
    public static VariableUpdate Drawn(VariableUpdate update) =>
        update.Generator is { } generator ? update with { Operands = [Generate(generator)], Generator = null } : update;
}
