using ActorGraph.Wire;

namespace ActorGraph;

// Saving a graph's definition and reading it back, as TensorFlow 1's tf.train.write_graph and
// import_meta_graph do: the ops travel in the same OperationDefs a session sends to a cluster,
// and are rebuilt by the same Import, so a saved graph runs exactly as the one that was written.
public sealed partial class Graph
{
    public void WriteTo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Cannot write the graph to {path}: the folder {folder} does not exist.");
        // Through a file beside it, so a crash never leaves half a graph under the name.
        var partial = path + ".partial";
        using (var stream = File.Create(partial)) WriteTo(stream);
        File.Move(partial, path, overwrite: true);
    }

    public void WriteTo(Stream stream) => GraphFile.Write(stream, ToGraphDef());

    public static Graph ReadFrom(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new InvalidDataException($"{path} is a folder, not an ActorGraph graph file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such graph file.", path);
        return FromGraphDef(GraphFile.Read(File.ReadAllBytes(path), path), path);
    }

    public static Graph ReadFrom(Stream stream, string source = "the stream")
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return FromGraphDef(GraphFile.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), source), source);
    }

    // The ops as they are now; a variable whose GetVariable is still under way on another thread is left out.
    internal GraphDef ToGraphDef()
    {
        var ops = ExportSince(0).ToArray();
        var names = ops.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var variables = Variables
            .Where(v => v.Initializer is not null && names.Contains(v.Initializer.Name) && names.Contains(v.InitialValue.Op.Name))
            .Select(v => new VariableDef(v.Op.Name, v.Initializer.Name, v.InitialValue.Name))
            .ToArray();
        return new GraphDef(ops, variables);
    }

    private static Graph FromGraphDef(GraphDef def, string source)
    {
        var graph = new Graph();
        foreach (var op in def.Operations)
        {
            try
            {
                graph.Import([op]);
            }
            catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidCastException)
            {
                throw GraphFile.NotAGraphFile(source, $"damaged: operation '{op.Name}' ({op.Type}) cannot be rebuilt: {e.Message}");
            }
        }
        foreach (var v in def.Variables)
        {
            try
            {
                var variable = graph.GetOperation(v.Name).Outputs.FirstOrDefault() as Variable
                    ?? throw new ArgumentException($"'{v.Name}' is not a variable");
                variable.Initializer = graph.GetOperation(v.Initializer);
                variable.InitialValue = graph.GetTensor(v.InitialValue);
            }
            catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
            {
                throw GraphFile.NotAGraphFile(source, $"damaged: variable '{v.Name}' cannot be rebuilt: {e.Message}");
            }
        }
        graph.RegisterHashEmbeddings();
        return graph;
    }
}
