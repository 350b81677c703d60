using System.Net.Sockets;

namespace ActorGraph.Transport;

internal static class SocketSetup
{
    // NoDelay: a step's last small frame must not wait for Nagle's timer.
    public static void Configure(Socket socket, TransportOptions options)
    {
        socket.NoDelay = true;
        if (options.SocketBufferBytes is int size)
        {
            socket.SendBufferSize = size;
            socket.ReceiveBufferSize = size;
        }
    }
}
