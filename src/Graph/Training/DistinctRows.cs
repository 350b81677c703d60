namespace ActorGraph.Training;

// Whether a sparse update names each row once, with one bit per row of the table: a sparse gradient's rows are almost
// always distinct already (an embedding lookup's gradient sums its repeats on the worker), and checking them with a
// hash map costs more than the update itself. The bits live per thread and are cleared after each check, so a check
// costs two accesses per row into a table-sized bitmap (1.25 MB for 10M rows).
internal static class DistinctRows
{
    // Above this the bitmap (16 MB) is not worth keeping per thread: callers fall back to a hash map.
    public const long MaxTableRows = 1L << 27;

    [ThreadStatic] private static ulong[]? t_seen;

    // True when every row is named once, false when one repeats; rows must be in [0, tableRows) and tableRows at most
    // MaxTableRows.
    public static bool AreDistinct(ReadOnlySpan<long> rows, long tableRows)
    {
        int words = (int)((tableRows + 63) >> 6);
        var seen = t_seen is { } kept && kept.Length >= words ? kept : t_seen = new ulong[words];
        int marked = 0;
        bool distinct = true;
        for (; marked < rows.Length; marked++)
        {
            long row = rows[marked];
            ref ulong word = ref seen[(int)(row >> 6)];
            ulong bit = 1UL << (int)(row & 63);
            if ((word & bit) != 0)
            {
                distinct = false;
                break;
            }
            word |= bit;
        }
        for (int i = 0; i < marked; i++) seen[(int)(rows[i] >> 6)] &= ~(1UL << (int)(rows[i] & 63));
        return distinct;
    }
}
