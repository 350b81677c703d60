using ActorGraph.Ops;
using ActorGraph.Execution;

namespace ActorGraph;

// TensorFlow's map: the function is called once, on placeholders for one element's components, in a
// graph of its own; each element then runs that graph where the elements are produced.
internal sealed class MapDataset : Dataset
{
    private readonly Dataset _input;
    private readonly Tensor[] _arguments;
    private readonly Fetch[] _results;
    private readonly Executor _function;
    private readonly Tensor[] _resultTensors;

    private MapDataset(Dataset input, Graph function, Tensor[] arguments, Tensor[] results)
        : base(results.Select(t => new TensorSpec(t.DType, t.Shape)).ToArray())
    {
        (_input, _arguments) = (input, arguments);
        _results = results.Select(t => (Fetch)t).ToArray();
        _resultTensors = results;
        _function = new Executor(function);
    }

    public static MapDataset Trace(Dataset input, Func<Tensor[], Tensor[]> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var graph = new Graph();
        using (graph.AsDefault())
        {
            var arguments = input.ElementSpec.Select((s, i) => TF.Placeholder(s.DType, s.Shape, $"arg{i}")).ToArray();
            var results = fn(arguments) ?? throw new ArgumentException("Map's function returned null; return the element's new components.", nameof(fn));
            if (results.Length == 0) throw new ArgumentException("Map's function returned no tensors; an element needs at least one component.", nameof(fn));
            foreach (var r in results)
                if (r is null || r.Graph != graph)
                    throw new ArgumentException("Map's function must return tensors it built from its arguments (in the graph it is called in).", nameof(fn));
            if (graph.Variables.Count > 0)
                throw new ArgumentException("Map's function creates variables; a dataset function must be stateless.", nameof(fn));
            return new MapDataset(input, graph, arguments, results);
        }
    }

    internal override Wire.DatasetDef ToDef() =>
        new("Map", _input.ToDef(), Function: _function.Graph.Operations.Select(Wire.OperationDef.From).ToArray(),
            Arguments: _arguments.Select(t => t.Name).ToArray(), Results: _resultTensors.Select(t => t.Name).ToArray());

    internal override Dataset ForReplica(int count, int index) =>
        new MapDataset(_input.ForReplica(count, index), _function.Graph, _arguments, _resultTensors);

    internal static MapDataset FromDefs(Dataset input, Wire.OperationDef[] function, string[] arguments, string[] results)
    {
        var graph = Graph.FromDefs(function);
        return new MapDataset(input, graph, arguments.Select(graph.GetTensor).ToArray(), results.Select(graph.GetTensor).ToArray());
    }

    internal override IEnumerable<NDArray[]> Enumerate(IteratorRun run)
    {
        var step = run.StateOf(this, () => new StepContext(new LocalVariableStore(), TextWriter.Null));
        foreach (var element in _input.Enumerate(run))
        {
            var feeds = new FeedDict();
            for (int i = 0; i < _arguments.Length; i++) feeds[_arguments[i]] = element[i];
            yield return _function.Run(_results, feeds, step).Select(v => v!).ToArray();
        }
    }
}
