using System.Numerics;

namespace ActorGraph.Kernels;

public readonly struct EqualOperator : IComparisonOperator
{
    public static bool Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => x == y;
}

public readonly struct NotEqualOperator : IComparisonOperator
{
    public static bool Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => x != y;
}

public readonly struct LessOperator : IComparisonOperator
{
    public static bool Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => x < y;
}

public readonly struct LessEqualOperator : IComparisonOperator
{
    public static bool Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => x <= y;
}

public readonly struct GreaterOperator : IComparisonOperator
{
    public static bool Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => x > y;
}

public readonly struct GreaterEqualOperator : IComparisonOperator
{
    public static bool Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => x >= y;
}
