using ActorGraph.Execution;
using ActorGraph.Ops;
using ActorGraph.Training;
using Xunit;

namespace ActorGraph.GraphTests.Training;

// The table of update kinds: every kind declared once, its op built from the declaration, its arithmetic TensorFlow's.
public class UpdateKindsTests
{
    [Fact]
    public void Every_update_kind_is_declared_once()
    {
        foreach (var kind in Enum.GetValues<UpdateKind>())
            Assert.Equal(kind, UpdateKinds.Of(kind).Kind);
        Assert.Equal(Enum.GetValues<UpdateKind>().Length, UpdateKinds.All.Select(r => r.Kind).Distinct().Count());
    }

    [Fact]
    public void An_unknown_kind_is_refused_with_the_kinds_this_build_knows()
    {
        Assert.Null(UpdateKinds.Find((UpdateKind)99));
        var e = Assert.Throws<InvalidArgumentException>(() => UpdateKinds.Of((UpdateKind)99));
        Assert.Contains("Unknown update kind 99", e.Message);
        Assert.Contains("Adam", e.Message);
    }

    [Fact]
    public void Each_kind_has_its_op_whose_reference_inputs_are_the_variable_and_its_slots()
    {
        foreach (var rule in UpdateKinds.All)
            Assert.Equal(1 + rule.Slots.Length, OpRegistry.Get(rule.OpType).RefInputs);
    }

    [Fact]
    public void An_update_op_with_the_wrong_number_of_inputs_is_refused_with_the_count_it_expects()
    {
        using var scope = new Graph().AsDefault();
        var w = TF.GetVariable("w", [2]);
        var e = Assert.Throws<ArgumentException>(() => TF.Op("ApplyGradientDescent", [w, TF.Constant(0.1f)]));
        Assert.Contains("expects 3 input(s), got 2", e.Message);
    }

    [Fact]
    public void The_gradient_is_a_tensor_operand_and_only_kinds_without_slots_are_replayable()
    {
        foreach (var rule in UpdateKinds.All)
        {
            if (rule.Gradient is { } g) Assert.False(rule.Operands[g].Scalar, $"{rule.Kind}'s gradient is a scalar");
            if (rule.Replayable) Assert.Empty(rule.Slots);
            Assert.Equal(rule.Family == UpdateFamily.Training, rule.Gradient is not null);
        }
    }

    [Fact]
    public void Momentum_accumulates_then_steps_as_tensorflow_does()
    {
        var value = NDArray.FromArray(new[] { 1f, 2f }, new Shape(2));
        var accum = NDArray.FromArray(new[] { 0.5f, 0f }, new Shape(2));
        NDArray[] operands = [0.1f, NDArray.FromArray(new[] { 1f, -1f }, new Shape(2)), 0.9f];
        UpdateRules.Apply(UpdateKind.Momentum, "w", value, [accum], operands);
        Assert.Equal(new[] { 1.45f, -1f }, accum.ToArray<float>(), (a, b) => Math.Abs(a - b) < 1e-6f);
        var stepped = value.ToArray<float>();
        Assert.Equal(1f - 0.1f * 1.45f, stepped[0], 6);
        Assert.Equal(2.1f, stepped[1], 6);
    }

    [Fact]
    public void Adam_advances_its_beta_powers_after_use()
    {
        var value = NDArray.FromArray(new[] { 1.0 }, new Shape(1));
        NDArray m = new[] { 0.0 }, v = new[] { 0.0 }, beta1Power = 0.9, beta2Power = 0.999;
        NDArray[] operands = [0.1, 0.9, 0.999, 1e-8, new[] { 2.0 }];
        UpdateRules.Apply(UpdateKind.Adam, "w", value, [m, v, beta1Power, beta2Power], operands);
        double lrT = 0.1 * Math.Sqrt(1 - 0.999) / (1 - 0.9);
        double mNew = 2.0 * (1 - 0.9), vNew = 4.0 * (1 - 0.999);
        Assert.Equal(1.0 - lrT * mNew / (Math.Sqrt(vNew) + 1e-8), value.ToScalar<double>(), 12);
        Assert.Equal((0.9 * 0.9, 0.999 * 0.999), (beta1Power.ToScalar<double>(), beta2Power.ToScalar<double>()));
    }

    [Fact]
    public void Integer_variables_take_assign_add_but_not_gradient_descent()
    {
        var count = NDArray.FromArray(new[] { 3 }, new Shape(1));
        UpdateRules.Apply(UpdateKind.AssignSub, "count", count, [], [NDArray.FromArray(new[] { 1 }, new Shape(1))]);
        Assert.Equal(2, count.ToArray<int>()[0]);
        var e = Assert.Throws<InvalidArgumentException>(() =>
            UpdateRules.Apply(UpdateKind.GradientDescent, "count", count, [], [1, NDArray.FromArray(new[] { 1 }, new Shape(1))]));
        Assert.Contains("int32 variables cannot take this update", e.Message);
    }
}
