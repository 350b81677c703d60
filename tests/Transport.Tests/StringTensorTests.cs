using System.Text;
using ActorGraph.Transport.Tests.Support;
using Xunit;

namespace ActorGraph.Transport.Tests;

public class StringTensorTests
{
    [Fact]
    public async Task Large_string_tensors_travel_inline_next_to_laned_floats_and_arrive_byte_exact()
    {
        await using var pair = await Pair.OpenAsync();
        var strings = NDArray.FromByteStrings(Enumerable.Range(0, 3000).Select(i => Encoding.UTF8.GetBytes(new string('x', i % 97) + i)).ToArray(), new Shape(30, 100));
        var summary = NDArray.FromByteStrings([new byte[300_000]], Shape.Scalar);
        await pair.Sender.SendAsync(4, 1, strings).Within();
        await pair.Sender.SendAsync(4, 2, summary).Within();
        Tensors.AssertBitExact(strings, await pair.ReceiveAsync(4, 1));
        Tensors.AssertBitExact(summary, await pair.ReceiveAsync(4, 2));
    }
}
