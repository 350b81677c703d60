using ActorGraph.Host.Commands;
using ActorGraph.Host.Training;

namespace ActorGraph.Host.Pictures;

// The seed's figures as graphs to draw: each builds its graph into the default graph and says
// which fetches (and feeds) its figure highlights when none are given.
internal sealed record Example(string Name, string Description, Func<(Fetch[] Fetches, Tensor[] Feeds)> Build)
{
    public static readonly Example[] All =
    [
        new("seed-sum", "two + three: the first graph of the seed (fetch: add)", () =>
        {
            var sum = TF.Constant(2) + TF.Constant(3);
            return ([sum], []);
        }),
        new("seed-placeholder", "a placeholder: off the path of three (fetch: Const), on the path of add", () =>
        {
            var input = TF.Placeholder(DType.Int32);
            var three = TF.Constant(3);
            _ = input + three;
            return ([three], []);
        }),
        new("seed-assign", "assign: an identity with a side effect on count (fetch: Assign)", () =>
        {
            var count = TF.GetVariable("count", []);
            var assign = TF.Assign(count, TF.Constant(0f));
            return ([assign], []);
        }),
        new("seed-init", "an initializer runs only through init (fetch: init)", () =>
        {
            _ = TF.GetVariable("count", [], initializer: TF.ConstantInitializer(0));
            return ([TF.GlobalVariablesInitializer()], []);
        }),
        new("seed-print", "a Print off the computation path prints nothing (fetch: add)", () =>
        {
            var two = TF.Constant(2);
            var three = TF.Constant(3);
            var sum = two + three;
            _ = TF.Print(two, [two, three, sum]);
            return ([sum], []);
        }),
        new("linear-regression", "the seed's training graph (fetch: Square, GradientDescent; fed: x and y, named Placeholder and Placeholder_1)", () =>
        {
            var model = LinearRegression.Build();
            return ([model.Loss, model.TrainOp], [model.X, model.Y]);
        }),
        new("while-loop", "a WhileLoop summing 1 to 10, then a Cond on the sum: the loop's cond and body, the Cond's branches as clusters, the taken branch bold (fetch: result)", () =>
        {
            var limit = TF.Constant(10, name: "limit");
            var loop = TF.WhileLoop(v => TF.LessEqual(v[0], limit), v => [v[0] + TF.Constant(1), v[1] + v[0]],
                [TF.Constant(1), TF.Constant(0)], name: "while");
            var sum = loop[1];
            var result = TF.Cond(TF.Greater(sum, TF.Constant(50)), () => sum * TF.Constant(2), () => TF.Negate(sum), name: "cond");
            return ([TF.Identity(result, name: "result")], []);
        }),
        new("fashion-mnist", "the MLP of `train fashion-mnist` (fetch: loss, correct, Adam; fed: images, labels)", () =>
        {
            var model = Mlp.Build("adam", 1e-3, 1);
            return ([model.Loss, model.Correct, model.TrainOp], [model.Images, model.Labels]);
        }),
    ];

    public static string[] Names => All.Select(e => e.Name).ToArray();

    public static Example Get(string name) => All.First(e => e.Name == name);
}
