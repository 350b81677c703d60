using System.Net.Sockets;

namespace ActorGraph.Transport;

internal static class SocketSetup
{
    // NoDelay: a step's last small frame must not wait for Nagle's timer. Keep-alive: a peer whose host
    // died without a FIN or RST is noticed in about 10 + 3 × 2 s instead of never.
    public static void Configure(Socket socket, TransportOptions options)
    {
        socket.NoDelay = true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 10);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 2);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        if (options.SocketBufferBytes is int size)
        {
            socket.SendBufferSize = size;
            socket.ReceiveBufferSize = size;
        }
    }
}
