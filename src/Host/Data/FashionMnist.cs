namespace ActorGraph.Host.Data;

// Fashion-MNIST as Debian's dataset-fashion-mnist installs it: 28×28 grey images in 10 classes,
// 60,000 to train on and 10,000 to test.
internal sealed record Dataset(float[] Images, int[] Labels, int Count, int Features)
{
    public const int Classes = 10;

    public ReadOnlySpan<float> Image(int i) => Images.AsSpan(i * Features, Features);
}

internal static class FashionMnist
{
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";
    public const string InstallHint = "sudo apt-get install dataset-fashion-mnist";

    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    // The first `limit` examples of each split (all when null).
    public static (Dataset Train, Dataset Test) Load(string folder, int? limit = null) =>
        (LoadSplit(folder, "train", limit), LoadSplit(folder, "t10k", limit));

    // The file of a split, gzipped or not; null when neither is there.
    public static string? Find(string folder, string split, string kind)
    {
        var name = $"{split}-{kind}-idx{(kind == "images" ? 3 : 1)}-ubyte";
        foreach (var candidate in new[] { name + ".gz", name })
            if (File.Exists(Path.Combine(folder, candidate))) return Path.Combine(folder, candidate);
        return null;
    }

    public static IReadOnlyList<string> Missing(string folder) =>
        new[] { ("train", "images"), ("train", "labels"), ("t10k", "images"), ("t10k", "labels") }
            .Where(s => Find(folder, s.Item1, s.Item2) is null)
            .Select(s => $"{s.Item1}-{s.Item2}-idx{(s.Item2 == "images" ? 3 : 1)}-ubyte.gz")
            .ToArray();

    private static Dataset LoadSplit(string folder, string split, int? limit)
    {
        var images = Idx.Read(Find(folder, split, "images")!);
        var labels = Idx.Read(Find(folder, split, "labels")!);
        if (images.Dims.Length != 3 || labels.Dims.Length != 1 || images.Dims[0] != labels.Dims[0])
            throw new InvalidDataException($"{split}: images {string.Join('×', images.Dims)} and labels {string.Join('×', labels.Dims)} do not pair up (want N×28×28 and N).");
        int count = Math.Min(images.Dims[0], limit ?? int.MaxValue);
        int features = images.Dims[1] * images.Dims[2];
        // Pixels scaled to [0, 1]: the scale the MLP's Glorot initialization expects.
        var pixels = new float[count * features];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = images.Data[i] / 255f;
        var classes = new int[count];
        for (int i = 0; i < count; i++)
        {
            classes[i] = labels.Data[i];
            if (classes[i] >= Dataset.Classes) throw new InvalidDataException($"{split}: label {i} is {classes[i]}, not a class 0–9.");
        }
        return new Dataset(pixels, classes, count, features);
    }
}
