using ActorGraph.Summaries;
using Xunit;

namespace ActorGraph.GraphTests.Summaries;

// The vectors of TensorFlow's tensorflow/core/lib/hash/crc32c_test.cc (from RFC 3720 section B.4).
public class MaskedCrcTests
{
    private static readonly byte[] Iscsi =
    [
        0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
        0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    [Fact]
    public void Standard_results_match_TensorFlow()
    {
        Assert.Equal(0x8a9136aau, MaskedCrc.Value(new byte[32]));
        Assert.Equal(0x62a8ab43u, MaskedCrc.Value(Enumerable.Repeat((byte)0xff, 32).ToArray()));
        Assert.Equal(0x46dd794eu, MaskedCrc.Value(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113fdb5cu, MaskedCrc.Value(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
        Assert.Equal(0xd9963a56u, MaskedCrc.Value(Iscsi));
    }

    [Fact]
    public void Unaligned_sizes_and_offsets_match_TensorFlow()
    {
        Assert.Equal(0xdd1b19beu, MaskedCrc.Value(Iscsi.AsSpan(0, Iscsi.Length - 7)));
        Assert.Equal(0x4930c4b1u, MaskedCrc.Value(Iscsi.AsSpan(1, Iscsi.Length - 4)));
    }

    [Fact]
    public void Different_inputs_give_different_values()
    {
        Assert.NotEqual(MaskedCrc.Value("a"u8), MaskedCrc.Value("foo"u8));
    }

    [Fact]
    public void Mask_changes_the_crc_and_unmask_restores_it()
    {
        uint crc = MaskedCrc.Value("foo"u8);
        Assert.NotEqual(crc, MaskedCrc.Mask(crc));
        Assert.NotEqual(crc, MaskedCrc.Mask(MaskedCrc.Mask(crc)));
        Assert.Equal(crc, MaskedCrc.Unmask(MaskedCrc.Mask(crc)));
        Assert.Equal(crc, MaskedCrc.Unmask(MaskedCrc.Unmask(MaskedCrc.Mask(MaskedCrc.Mask(crc)))));
    }

    [Fact]
    public void Hardware_crc_agrees_with_the_bitwise_reference_on_every_length()
    {
        var rng = new Random(7);
        var data = new byte[200];
        rng.NextBytes(data);
        for (int n = 0; n <= data.Length; n++)
            Assert.Equal(EventFileReader.Crc32C(data.AsSpan(0, n)), MaskedCrc.Value(data.AsSpan(0, n)));
    }
}
