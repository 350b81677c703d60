namespace ActorGraph;

// Partitioned variables and their partitioners, as TensorFlow 1's variable_scope and partitioned_variables.py.
public static partial class TF
{
    // Parts `name/part_0`, … along axis 0, the first (rows % parts) of them one row longer (TensorFlow's split).
    // In a variable scope with reuse, the existing partitioned variable of that name comes back.
    public static PartitionedVariable GetPartitionedVariable(string name, Shape shape, Partitioner partitioner, DType dtype = DType.Float32,
        Initializer? initializer = null, bool trainable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(partitioner);
        var g = G;
        var scope = g.CurrentVariableScope;
        string fullName = scope.FullName(name);
        Graph.CheckOpName(fullName);
        if (g.FindPartitionedVariable(fullName) is { } existing)
        {
            if (scope.Reuse == VariableReuse.Inherit)
                throw new ArgumentException($"Partitioned variable {fullName} already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? (TF.VariableScope(..., VariableReuse.Reuse) returns the existing one; or pick another name.)");
            if (!existing.Shape.Equals(shape))
                throw new ArgumentException($"Trying to reuse partitioned variable {fullName}, but specified shape {shape} and found shape {existing.Shape}.");
            if (existing.DType != dtype)
                throw new ArgumentException($"Trying to reuse partitioned variable {fullName}, but specified dtype {dtype.KernelName()} and found dtype {existing.DType.KernelName()}.");
            return existing;
        }
        if (scope.Reuse == VariableReuse.Reuse)
            throw new ArgumentException($"Partitioned variable {fullName} does not exist, or was not created with TF.GetPartitionedVariable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?");
        if (!shape.IsFullyDefined || shape.Rank < 1)
            throw new ArgumentException($"Partitioned variable {fullName}: shape {shape} must be fully defined with at least one axis to split.");
        if (g.FindVariable(fullName) is not null)
            throw new ArgumentException($"Partitioned variable {fullName}: a variable of that name already exists; pick another name.");
        int parts = PartsAlongAxis0(fullName, shape, dtype, partitioner(shape, dtype));
        var chosen = initializer ?? scope.Initializer ?? DefaultInitializer(dtype);
        var variables = new Variable[parts];
        foreach (var (part, offset, rows) in Slices(shape[0], parts))
        {
            var partShape = Shape.Own([rows, .. shape.Dims[1..]]);
            variables[part] = NewVariable(g, $"{fullName}/part_{part}", partShape, dtype, trainable, () => chosen.BuildPart(partShape, shape, dtype));
        }
        var whole = new PartitionedVariable(fullName, shape, dtype, variables);
        g.AddPartitionedVariable(whole);
        return whole;
    }

    // tf.fixed_size_partitioner: numShards parts along axis 0, never more than the rows.
    public static Partitioner FixedSizePartitioner(int numShards)
    {
        if (numShards < 1) throw new ArgumentException($"FixedSizePartitioner: numShards must be at least 1, got {numShards}.", nameof(numShards));
        return (shape, _) => AlongAxis0(shape, Math.Min(numShards, shape[0]));
    }

    // tf.min_max_variable_partitioner: as many parts as keep each at least minSliceSize bytes (ceil(total / minSliceSize)),
    // at most maxPartitions and the rows, at least one.
    public static Partitioner MinMaxVariablePartitioner(int maxPartitions, int minSliceSize = 256 << 10)
    {
        if (maxPartitions < 1) throw new ArgumentException($"MinMaxVariablePartitioner: maxPartitions must be at least 1, got {maxPartitions}.", nameof(maxPartitions));
        if (minSliceSize < 1) throw new ArgumentException($"MinMaxVariablePartitioner: minSliceSize must be at least 1 byte, got {minSliceSize}.", nameof(minSliceSize));
        return (shape, dtype) =>
        {
            // TensorFlow counts a string element as 16 bytes (bytes_per_string_element).
            long bytesPerElement = dtype == DType.String ? 16 : dtype.SizeInBytes();
            double partitions = (double)(shape.Size * bytesPerElement) / minSliceSize;
            long wanted = (long)Math.Ceiling(partitions);
            return AlongAxis0(shape, (int)Math.Max(1, Math.Min(Math.Min(shape[0], maxPartitions), wanted)));
        };
    }

    private static int[] AlongAxis0(Shape shape, int parts)
    {
        if (shape.Rank < 1) throw new ArgumentException($"A partitioner splits along axis 0, but the shape {shape} has no axis.");
        var result = Enumerable.Repeat(1, shape.Rank).ToArray();
        result[0] = parts;
        return result;
    }

    private static int PartsAlongAxis0(string name, Shape shape, DType dtype, int[] partitions)
    {
        if (partitions is null || partitions.Length != shape.Rank)
            throw new ArgumentException($"Partitioned variable {name}: the partitioner returned {(partitions is null ? "null" : $"[{string.Join(", ", partitions)}]")}; it must give one count per axis of {shape}.");
        for (int axis = 1; axis < partitions.Length; axis++)
            if (partitions[axis] != 1)
                throw new ArgumentException($"Partitioned variable {name}: the partitioner splits axis {axis} ([{string.Join(", ", partitions)}]); only axis 0 can be split.");
        if (partitions[0] < 1 || partitions[0] > shape[0])
            throw new ArgumentException($"Partitioned variable {name}: {partitions[0]} parts for {shape[0]} rows of {dtype.PythonName()}; a part needs at least one row.");
        return partitions[0];
    }

    // TensorFlow's _iter_slices: each part gets rows / parts rows, and the first rows % parts parts one more.
    internal static IEnumerable<(int Part, long Offset, int Rows)> Slices(int rows, int parts)
    {
        int min = rows / parts, extra = rows % parts;
        long offset = 0;
        for (int p = 0; p < parts; p++)
        {
            int length = min + (p < extra ? 1 : 0);
            yield return (p, offset, length);
            offset += length;
        }
    }
}
