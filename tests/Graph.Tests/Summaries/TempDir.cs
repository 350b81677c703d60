namespace ActorGraph.GraphTests.Summaries;

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("actorgraph-summaries-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
