namespace ActorGraph.Transport;

// The tensors of one frame: a single (edge, value) or a step's batch to this node. A null value is a control edge.
public sealed record TensorFrame(long StepId, int[] Edges, NDArray?[] Values);

// Where a listener delivers what its connections receive. Called on the connection's receive loop:
// return quickly (complete a task, post to an actor or a Channel<T>), never block on the network.
public interface ITensorSink
{
    void Received(Peer from, TensorFrame frame);

    // error is null when the peer said goodbye; otherwise why the connection ended (peer vanished, malformed frame).
    void Disconnected(Peer peer, Exception? error);

    void Connected(Peer peer) { }

    // A connection that failed the handshake; no frame of it was read.
    void Refused(System.Net.EndPoint address, Exception error) { }

    // A buffer to receive into (one the receiver reuses, say) or null for a fresh one; it must match dtype and shape.
    NDArray? Destination(Peer from, long stepId, int edge, DType dtype, Shape shape) => null;
}
