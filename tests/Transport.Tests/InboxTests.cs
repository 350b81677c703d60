using System.Net;
using ActorGraph.Transport.Tests.Support;
using Xunit;

namespace ActorGraph.Transport.Tests;

// The rendezvous alone, fed by hand.
public class InboxTests
{
    private static readonly Peer Worker1 = new("worker-1", new IPEndPoint(IPAddress.Loopback, 4001));
    private readonly TensorInbox _inbox = new();

    [Fact]
    public async Task A_forgotten_step_fails_its_receives_as_aborted_and_drops_what_arrives_later()
    {
        var waiting = _inbox.ReceiveAsync(3, 1, "worker-1");
        _inbox.Received(Worker1, new TensorFrame(3, [2], [NDArray.Scalar(1f)]));
        _inbox.Forget(3);
        await Assert.ThrowsAsync<AbortedException>(() => waiting.Within());
        _inbox.Received(Worker1, new TensorFrame(3, [4], [NDArray.Scalar(1f)]));
        Assert.Equal(0, _inbox.Held);
    }

    [Fact]
    public async Task A_cancelled_receive_leaves_the_slot_free_for_another()
    {
        using var cancel = new CancellationTokenSource();
        var first = _inbox.ReceiveAsync(1, 1, "worker-1", cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.Within());
        var second = _inbox.ReceiveAsync(1, 1, "worker-1");
        _inbox.Received(Worker1, new TensorFrame(1, [1], [NDArray.Scalar(7)]));
        Assert.Equal(7, (await second.Within())!.ToScalar<int>());
    }

    [Fact]
    public async Task A_lost_peer_fails_only_the_receives_that_wait_on_it_until_it_reconnects()
    {
        var fromLost = _inbox.ReceiveAsync(1, 1, "worker-1");
        var fromOther = _inbox.ReceiveAsync(1, 2, "worker-2");
        _inbox.Disconnected(Worker1, new UnavailableException("worker-1 (127.0.0.1:4001) vanished"));
        var failed = await Assert.ThrowsAsync<UnavailableException>(() => fromLost.Within());
        Assert.Contains("Step 1 edge 1 will not arrive from worker-1", failed.Message);
        Assert.False(fromOther.IsCompleted);
        await Assert.ThrowsAsync<UnavailableException>(() => _inbox.ReceiveAsync(2, 1, "worker-1").Within());
        _inbox.Connected(Worker1);
        var again = _inbox.ReceiveAsync(2, 1, "worker-1");
        _inbox.Received(Worker1, new TensorFrame(2, [1], [null]));
        Assert.Null(await again.Within());
    }

    [Fact]
    public async Task A_tensor_that_arrived_before_its_peer_was_lost_is_still_received()
    {
        _inbox.Received(Worker1, new TensorFrame(1, [1], [NDArray.Scalar(2.0)]));
        _inbox.Disconnected(Worker1, null);
        Assert.Equal(2.0, (await _inbox.ReceiveAsync(1, 1, "worker-1").Within())!.ToScalar<double>());
    }
}
