using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorGraph.ParameterServer.Persistence;

// What a checkpoint is: every shard's snapshot at one global step, and the variables it restores.
// Variables lists what the Saver covers; a shard's snapshot may hold more (a persistent shard
// snapshots all it has, for its own recovery). Iterators: where each dataset iterator stood (null: none recorded).
public sealed record CheckpointManifest(
    string Id,
    string? Name,
    long Step,
    DateTimeOffset Time,
    string Job,
    ShardEntry[] Shards,
    VariableInfo[] Variables,
    Execution.IteratorPosition[]? Iterators = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static CheckpointManifest FromJson(string json, string id)
    {
        try
        {
            return JsonSerializer.Deserialize<CheckpointManifest>(json, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new DataLossException($"The manifest of checkpoint {id} is unreadable: {e.Message}", e);
        }
    }

    public long TotalBytes => Variables.Sum(v => v.Shape.Aggregate(1L, (a, d) => a * d) * v.DType.SizeInBytes());
}

// Where one shard's snapshot of the checkpoint is in the store's snapshot table.
public sealed record ShardEntry(int Task, string PersistenceId, long SequenceNr);
