using ActorGraph.Ops;
using Xunit;

namespace ActorGraph.GraphTests.Ops;

// STYLE 13: one table (OpCases), and for every op: shape inference, the kernel against a double
// reference, and the gradient against central differences.
public class OpTableTests
{
    public static TheoryData<string> Cases() => new(OpCases.All.Select(c => c.Name));

    public static TheoryData<string, DType> CasesByDType()
    {
        var data = new TheoryData<string, DType>();
        foreach (var c in OpCases.All)
            foreach (var dtype in c.Ints ? new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64 } : [DType.Float32, DType.Float64])
                data.Add(c.Name, dtype);
        return data;
    }

    public static TheoryData<string, bool> DifferentiableCases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var c in OpCases.All.Where(c => OpRegistry.Get(c.OpType) is { Gradient: not null } def && !def.Traits.HasFlag(OpTraits.NoGradient)))
        {
            data.Add(c.Name, true);
            data.Add(c.Name, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Static_shape_and_dtype_match_what_the_kernel_returns(string name)
    {
        var c = OpCases.Get(name);
        using var h = new OpHarness(c, DType.Float64);
        Assert.Equal(c.OpType, h.Output.Op.Type);
        var values = h.Draw(OpHarness.Seed(name));
        var result = h.Executor.Run(h.Output, h.Feed(values));
        Assert.True(h.Output.Shape.IsFullyDefined, $"static shape {h.Output.Shape} from fully known inputs");
        Assert.Equal(h.Output.Shape, result.Shape);
        Assert.Equal(h.Output.DType, result.DType);

        // With unknown dims (a batch dimension) or an unknown rank, the static shape stays compatible.
        foreach (Func<Shape, Shape> partial in new Func<Shape, Shape>[] { s => s.Rank > 0 ? new Shape([-1, .. s.ToArray()[1..]]) : s, _ => Shape.Unknown })
        {
            using var u = new OpHarness(c, DType.Float64, partial);
            var r = u.Executor.Run(u.Output, u.Feed(values));
            Assert.True(u.Output.Shape.IsCompatibleWith(r.Shape), $"static {u.Output.Shape} vs run-time {r.Shape}");
            if (u.Output.Shape.Rank >= 0) Assert.Equal(u.Output.Shape.Rank, r.Shape.Rank);
            Assert.Equal(result.DType, r.DType);
        }
    }

    [Theory]
    [MemberData(nameof(CasesByDType))]
    public void Kernel_matches_the_double_reference(string name, DType dtype)
    {
        var c = OpCases.Get(name);
        using var h = new OpHarness(c, dtype);
        // Fetch a copy, so the op's own buffer is reused by the second step: a kernel must write all of it.
        var probe = h.Output.DType == DType.Float64 ? h.Output * 1.0 : TF.Cast(h.Output, DType.Float64);
        var values = h.Draw(OpHarness.Seed(name));
        h.Executor.Run(probe, h.Feed(h.Draw(OpHarness.Seed(name, salt: 1))));
        var result = h.Executor.Run(probe, h.Feed(values));
        double tolerance = h.Output.DType == DType.Float32 || dtype == DType.Float32 ? 2e-5 : 1e-12;
        OpHarness.AssertClose(c.Reference(values), result, tolerance, $"{name} on {dtype.PythonName()}");
    }

    [Theory]
    [MemberData(nameof(DifferentiableCases))]
    public void Gradient_matches_central_differences(string name, bool staticShapes)
    {
        var c = OpCases.Get(name);
        using var h = new OpHarness(c, DType.Float64, staticShapes ? null : _ => Shape.Unknown);
        var rng = new Random(OpHarness.Seed(name, salt: 2));
        var values = h.Draw(OpHarness.Seed(name));
        if (!h.Output.DType.IsFloating())
        {
            // A cast to an integer or bool passes no gradient back.
            Assert.All(TF.Gradients(h.Output, h.Inputs), g => Assert.Null(g));
            return;
        }
        var output = h.Executor.Run(h.Output, h.Feed(values));
        // y = Σ op(x) · w with random weights, so every output element counts differently.
        var weights = new Value(OpCase.Draw(rng, output.Shape, () => rng.NextDouble() * 2 - 1), output.Shape.ToArray());
        var y = TF.ReduceSum(h.Output * TF.Constant(OpHarness.ToNDArray(weights, h.Output.DType)));
        var grads = TF.Gradients(y, h.Inputs);
        double F(Value[] v) => h.Executor.Run(y, h.Feed(v)).ToScalar<double>();
        for (int i = 0; i < h.Inputs.Length; i++)
        {
            if (!h.Inputs[i].DType.IsFloating()) continue;
            var analytic = grads[i] is { } g ? h.Executor.Run(g, h.Feed(values)).ToArray<double>() : new double[values[i].Size];
            Assert.Equal(values[i].Size, analytic.Length);
            for (int j = 0; j < values[i].Size; j++)
            {
                double x = values[i].Data[j];
                values[i].Data[j] = x + c.GradStep;
                double plus = F(values);
                values[i].Data[j] = x - c.GradStep;
                double minus = F(values);
                values[i].Data[j] = x;
                double numeric = (plus - minus) / (2 * c.GradStep);
                Assert.True(Math.Abs(numeric - analytic[j]) <= c.GradTolerance * (1 + Math.Abs(numeric)),
                    $"{name}: d/d input{i}[{j}] is {analytic[j]}, central differences give {numeric}.");
            }
        }
    }
}
