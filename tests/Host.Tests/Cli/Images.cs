using System.Buffers.Binary;
using System.Xml.Linq;

namespace ActorGraph.Host.Tests.Cli;

// Just enough of PNG and SVG to tell a real picture from an empty or broken file.
internal static class Images
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Width and height from the IHDR chunk, which must come first.
    public static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 24 && bytes.AsSpan(0, 8).SequenceEqual(PngSignature), $"{path} does not start with the PNG signature.");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    public static XElement Svg(string path)
    {
        // Graphviz writes a DOCTYPE with an external DTD: skip it, never fetch it.
        using var reader = System.Xml.XmlReader.Create(path, new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Ignore, XmlResolver = null });
        var doc = XDocument.Load(reader);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        return doc.Root;
    }

    // Graphviz is installed by tests/run.sh where it can (root, as on CI): there it must be present;
    // on a developer's machine without it, the SVG tests step aside (the DOT fallback is tested anyway).
    public static bool CanDrawSvg()
    {
        if (DotInstalled) return true;
        Assert.True(Environment.GetEnvironmentVariable("CI") is null, "CI installs graphviz (tests/run.sh), but dot is missing.");
        return false;
    }

    public static bool DotInstalled =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "dot")));
}
