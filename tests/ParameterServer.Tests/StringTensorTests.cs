using ActorGraph.Messaging;
using ActorGraph.ParameterServer.Persistence;
using Xunit;

namespace ActorGraph.ParameterServer.Tests;

public class StringTensorTests
{
    private static readonly NDArray Words = NDArray.FromByteStrings([[], "ünïcode"u8.ToArray(), [0, 255, 10], new byte[5000]], new Shape(2, 2));

    private static void SameStrings(NDArray expected, NDArray actual)
    {
        Assert.Equal(DType.String, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ByteStrings, actual.ByteStrings);
    }

    [Fact]
    public void A_string_variable_in_a_snapshot_reads_back_byte_for_byte()
    {
        SameStrings(Words, SnapshotVariable.Of("names", Words).ToArray("checkpoint 1"));
        SameStrings(NDArray.FromStrings([], new Shape(0, 3)), SnapshotVariable.Of("none", NDArray.FromStrings([], new Shape(0, 3))).ToArray("checkpoint 1"));
    }

    [Fact]
    public void A_string_snapshot_whose_lengths_do_not_add_up_is_data_loss_naming_the_variable()
    {
        var good = SnapshotVariable.Of("names", Words);
        var data = (byte[])good.Data.Clone();
        data[4] = 0xff;   // element 1 now claims more bytes than follow
        var forged = good with { Data = data, Sha256 = System.Security.Cryptography.SHA256.HashData(data) };
        var e = Assert.Throws<DataLossException>(() => forged.ToArray("checkpoint 1"));
        Assert.Contains("checkpoint 1: variable names is corrupted", e.Message);
        var flipped = good with { Data = data };
        Assert.Contains("do not match the checksum", Assert.Throws<DataLossException>(() => flipped.ToArray("checkpoint 1")).Message);
        var cut = good with { Data = good.Data[..10] };
        Assert.Contains("truncated or corrupted", Assert.Throws<DataLossException>(() => cut.ToArray("checkpoint 1")).Message);
    }

    [Fact]
    public void A_shard_reply_holding_strings_round_trips_through_the_akka_serializer()
    {
        var reply = new UpdatesApplied(3, [Words, NDArray.Scalar(1f)]);
        var back = (UpdatesApplied)ActorGraphSerializer.Deserialize(ActorGraphSerializer.Serialize(reply), nameof(UpdatesApplied));
        SameStrings(Words, back.Values[0]);
        Assert.Equal(1f, back.Values[1].ToScalar<float>());
    }
}
