namespace ActorGraph;

// Python's overloaded operators; the scalar side takes the tensor's dtype.
public partial class Tensor
{
    public static Tensor operator +(Tensor x, Tensor y) => TF.Add(x, y);
    public static Tensor operator -(Tensor x, Tensor y) => TF.Subtract(x, y);
    public static Tensor operator *(Tensor x, Tensor y) => TF.Multiply(x, y);
    public static Tensor operator /(Tensor x, Tensor y) => TF.Divide(x, y);
    public static Tensor operator -(Tensor x) => TF.Negate(x);

    public static Tensor operator +(Tensor x, int y) => x + Like(x, y);
    public static Tensor operator +(Tensor x, long y) => x + Like(x, y);
    public static Tensor operator +(Tensor x, float y) => x + Like(x, y);
    public static Tensor operator +(Tensor x, double y) => x + Like(x, y);
    public static Tensor operator +(int x, Tensor y) => Like(y, x) + y;
    public static Tensor operator +(long x, Tensor y) => Like(y, x) + y;
    public static Tensor operator +(float x, Tensor y) => Like(y, x) + y;
    public static Tensor operator +(double x, Tensor y) => Like(y, x) + y;

    public static Tensor operator -(Tensor x, int y) => x - Like(x, y);
    public static Tensor operator -(Tensor x, long y) => x - Like(x, y);
    public static Tensor operator -(Tensor x, float y) => x - Like(x, y);
    public static Tensor operator -(Tensor x, double y) => x - Like(x, y);
    public static Tensor operator -(int x, Tensor y) => Like(y, x) - y;
    public static Tensor operator -(long x, Tensor y) => Like(y, x) - y;
    public static Tensor operator -(float x, Tensor y) => Like(y, x) - y;
    public static Tensor operator -(double x, Tensor y) => Like(y, x) - y;

    public static Tensor operator *(Tensor x, int y) => x * Like(x, y);
    public static Tensor operator *(Tensor x, long y) => x * Like(x, y);
    public static Tensor operator *(Tensor x, float y) => x * Like(x, y);
    public static Tensor operator *(Tensor x, double y) => x * Like(x, y);
    public static Tensor operator *(int x, Tensor y) => Like(y, x) * y;
    public static Tensor operator *(long x, Tensor y) => Like(y, x) * y;
    public static Tensor operator *(float x, Tensor y) => Like(y, x) * y;
    public static Tensor operator *(double x, Tensor y) => Like(y, x) * y;

    public static Tensor operator /(Tensor x, int y) => x / Like(x, y);
    public static Tensor operator /(Tensor x, long y) => x / Like(x, y);
    public static Tensor operator /(Tensor x, float y) => x / Like(x, y);
    public static Tensor operator /(Tensor x, double y) => x / Like(x, y);
    public static Tensor operator /(int x, Tensor y) => Like(y, x) / y;
    public static Tensor operator /(long x, Tensor y) => Like(y, x) / y;
    public static Tensor operator /(float x, Tensor y) => Like(y, x) / y;
    public static Tensor operator /(double x, Tensor y) => Like(y, x) / y;

    private static Tensor Like(Tensor t, double value) => TF.ScalarLike(t, value);
}
