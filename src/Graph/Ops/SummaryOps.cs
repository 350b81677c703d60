using ActorGraph.Summaries;
using ActorGraph.Summaries.Proto;
using Google.Protobuf;

namespace ActorGraph.Ops;

// Ops whose value is a serialized Summary protocol buffer (a scalar string): they run where their input
// lives, so only the few bytes of the summary travel to the client.
internal static class SummaryOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            Type = "ScalarSummary",
            Infer = ctx =>
            {
                ctx.ExpectInputs(2);
                ExpectTags(ctx, 0);
                ctx.ExpectDType(1, d => d.IsNumeric(), "numeric");
                if (!ctx.Input(0).Shape.IsCompatibleWith(ctx.Input(1).Shape))
                    throw ctx.Error($"tags and values are not the same shape: {ctx.Input(0).Shape} != {ctx.Input(1).Shape}");
                return [SummarySpec];
            },
            Kernel = ScalarKernel,
            Traits = OpTraits.NoGradient,
        },
        new()
        {
            Type = "HistogramSummary",
            Infer = ctx =>
            {
                ctx.ExpectInputs(2);
                ExpectTags(ctx, 0);
                if (ctx.Input(0).Shape.Rank > 0) throw ctx.Error($"the tag must be a scalar string, not shape {ctx.Input(0).Shape}");
                ctx.ExpectDType(1, d => d.IsNumeric(), "numeric");
                return [SummarySpec];
            },
            Kernel = HistogramKernel,
            Traits = OpTraits.NoGradient,
        },
        new()
        {
            Type = "MergeSummary",
            Infer = ctx =>
            {
                if (ctx.Inputs.Length == 0) throw ctx.Error("there are no summaries to merge; pass at least one");
                for (int i = 0; i < ctx.Inputs.Length; i++) ExpectTags(ctx, i);
                return [SummarySpec];
            },
            Kernel = MergeKernel,
            Traits = OpTraits.NoGradient,
        },
    ];

    private static readonly TensorSpec SummarySpec = new(DType.String, Shape.Scalar);

    private static void ExpectTags(InferContext ctx, int input) => ctx.ExpectDType(input, d => d == DType.String, "string");

    private static void ScalarKernel(KernelContext ctx)
    {
        NDArray tags = ctx.Input(0), values = ctx.Input(1);
        if (!tags.Shape.Equals(values.Shape))
            throw new InvalidArgumentException($"ScalarSummary (op '{ctx.Op.Name}'): tags and values are not the same shape: {tags.Shape} != {values.Shape}.");
        var summary = new Summary();
        for (int i = 0; i < values.Length; i++)
            summary.Value.Add(new Summary.Types.Value { Tag = Text(tags, i), SimpleValue = (float)values.GetDouble(i) });
        Emit(ctx, summary);
    }

    private static void HistogramKernel(KernelContext ctx)
    {
        NDArray tag = ctx.Input(0), values = ctx.Input(1);
        var numbers = new double[values.Length];
        for (int i = 0; i < numbers.Length; i++)
        {
            numbers[i] = values.GetDouble(i);
            if (!double.IsFinite(numbers[i]))
                throw new InvalidArgumentException($"{(double.IsNaN(numbers[i]) ? "Nan" : "Infinity")} in summary histogram for: {Text(tag, 0)} (op '{ctx.Op.Name}'); the values must be finite.");
        }
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = Text(tag, 0), Histo = Histograms.Build(numbers) });
        Emit(ctx, summary);
    }

    private static void MergeKernel(KernelContext ctx)
    {
        var merged = new Summary();
        var tags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in ctx.Inputs)
            foreach (var bytes in input.ByteStrings)
            {
                Summary part;
                try
                {
                    part = Summary.Parser.ParseFrom(bytes);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new InvalidArgumentException($"MergeSummary (op '{ctx.Op.Name}'): an input is not a serialized Summary ({e.Message}); merge only the values of summary ops.");
                }
                foreach (var value in part.Value)
                {
                    if (!tags.Add(value.Tag))
                        throw new InvalidArgumentException($"MergeSummary (op '{ctx.Op.Name}'): Duplicate tag {value.Tag} found in summary inputs; give each summary its own name.");
                    merged.Value.Add(value);
                }
            }
        Emit(ctx, merged);
    }

    private static string Text(NDArray strings, int i) => System.Text.Encoding.UTF8.GetString(strings.StringData[i]);

    private static void Emit(KernelContext ctx, Summary summary) =>
        ctx.SetOutput(0, NDArray.WrapStrings([summary.ToByteArray()], Shape.Scalar));
}
