namespace ActorGraph.Kernels;

// Copies of rectangular boxes between arrays (Slice, Pad and their gradients) and repetition
// (Tile), on bytes: one element is `width` bytes, so every dtype shares the loops.
public static class Boxes
{
    // Copies the box of dims `size` at `fromBegin` of `from` (dims fromDims) to `toBegin` of `to` (dims toDims).
    public static void Copy(ReadOnlySpan<byte> from, ReadOnlySpan<int> fromDims, ReadOnlySpan<int> fromBegin,
        Span<byte> to, ReadOnlySpan<int> toDims, ReadOnlySpan<int> toBegin, ReadOnlySpan<int> size, int width)
    {
        foreach (int s in size) if (s == 0) return;
        CopyAxis(from, fromDims, fromBegin, to, toDims, toBegin, size, width, 0);
    }

    private static void CopyAxis(ReadOnlySpan<byte> from, ReadOnlySpan<int> fromDims, ReadOnlySpan<int> fromBegin,
        Span<byte> to, ReadOnlySpan<int> toDims, ReadOnlySpan<int> toBegin, ReadOnlySpan<int> size, int width, int axis)
    {
        int rank = size.Length;
        if (axis == rank)
        {
            from[..width].CopyTo(to);
            return;
        }
        int fromStride = width * Product(fromDims[(axis + 1)..]), toStride = width * Product(toDims[(axis + 1)..]);
        from = from[(fromBegin[axis] * fromStride)..];
        to = to[(toBegin[axis] * toStride)..];
        if (axis == rank - 1)
        {
            from[..(size[axis] * width)].CopyTo(to);
            return;
        }
        for (int i = 0; i < size[axis]; i++)
            CopyAxis(from[(i * fromStride)..], fromDims, fromBegin, to[(i * toStride)..], toDims, toBegin, size, width, axis + 1);
    }

    // to (dims d·m per axis) = from (dims d) repeated multiples[i] times along each axis i.
    public static void Tile(ReadOnlySpan<byte> from, ReadOnlySpan<int> dims, ReadOnlySpan<int> multiples, Span<byte> to, int width)
    {
        if (to.IsEmpty) return;
        TileAxis(from, dims, multiples, to, width, 0);
    }

    private static void TileAxis(ReadOnlySpan<byte> from, ReadOnlySpan<int> dims, ReadOnlySpan<int> multiples, Span<byte> to, int width, int axis)
    {
        if (axis == dims.Length)
        {
            from[..width].CopyTo(to);
            return;
        }
        int fromStride = width * Product(dims[(axis + 1)..]), toStride = width;
        for (int i = axis + 1; i < dims.Length; i++) toStride *= dims[i] * multiples[i];
        for (int i = 0; i < dims[axis]; i++)
            TileAxis(from[(i * fromStride)..], dims, multiples, to[(i * toStride)..], width, axis + 1);
        // The first tile along this axis is written; the others are copies of it.
        int tile = dims[axis] * toStride;
        for (int r = 1; r < multiples[axis]; r++) to[..tile].CopyTo(to[(r * tile)..]);
    }

    private static int Product(ReadOnlySpan<int> dims)
    {
        int p = 1;
        foreach (int d in dims) p *= d;
        return p;
    }
}
