using ActorGraph.Host.Data;

namespace ActorGraph.Host.Tests.Cli;

// A Fashion-MNIST look-alike small enough to train on in a second: each class lights its own
// band of rows, with noise, so a model can learn it and the loader sees real IDX files.
internal static class TinyFashionMnist
{
    public static string Write(int train = 400, int test = 100, int seed = 7)
    {
        var dir = TempDir.Create();
        var rng = new Random(seed);
        WriteSplit(dir, "train", train, rng);
        WriteSplit(dir, "t10k", test, rng);
        return dir;
    }

    private static void WriteSplit(string dir, string split, int count, Random rng)
    {
        var images = new byte[count * 28 * 28];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 10;
            labels[i] = (byte)label;
            for (int p = 0; p < 28 * 28; p++)
            {
                int row = p / 28;
                bool lit = row >= label * 2 + 4 && row < label * 2 + 7;
                images[i * 784 + p] = (byte)((lit ? 160 : 0) + rng.Next(60));
            }
        }
        Idx.Write(Path.Combine(dir, $"{split}-images-idx3-ubyte.gz"), [count, 28, 28], images);
        Idx.Write(Path.Combine(dir, $"{split}-labels-idx1-ubyte.gz"), [count], labels);
    }
}
