namespace ActorGraph.Wire;

// Errors cross the wire as (TensorFlow status code, message) and become the same exception type again.
public static class ErrorCodes
{
    public const string InvalidArgument = "InvalidArgument";
    public const string FailedPrecondition = "FailedPrecondition";
    public const string NotFound = "NotFound";
    public const string Unavailable = "Unavailable";
    public const string Aborted = "Aborted";
    public const string DeadlineExceeded = "DeadlineExceeded";
    public const string PermissionDenied = "PermissionDenied";
    public const string Internal = "Internal";
    public const string OutOfRange = "OutOfRange";
    public const string DataLoss = "DataLoss";

    public static string Of(Exception e) => e switch
    {
        InvalidArgumentException => InvalidArgument,
        FailedPreconditionException => FailedPrecondition,
        NotFoundException => NotFound,
        UnavailableException => Unavailable,
        AbortedException => Aborted,
        DeadlineExceededException => DeadlineExceeded,
        PermissionDeniedException => PermissionDenied,
        OutOfRangeException => OutOfRange,
        DataLossException => DataLoss,
        _ => Internal,
    };

    // Accepts "FailedPrecondition", "FAILED_PRECONDITION" and "FailedPreconditionException" alike.
    public static ActorGraphException ToException(string code, string message)
    {
        var key = code.Replace("_", "").Replace("Exception", "", StringComparison.OrdinalIgnoreCase).ToLowerInvariant();
        return key switch
        {
            "invalidargument" => new InvalidArgumentException(message),
            "failedprecondition" => new FailedPreconditionException(message),
            "notfound" => new NotFoundException(message),
            "unavailable" => new UnavailableException(message),
            "aborted" => new AbortedException(message),
            "deadlineexceeded" => new DeadlineExceededException(message),
            "permissiondenied" => new PermissionDeniedException(message),
            "outofrange" => new OutOfRangeException(message),
            "dataloss" => new DataLossException(message),
            _ => new InternalException(message),
        };
    }
}
