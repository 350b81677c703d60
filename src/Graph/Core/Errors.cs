namespace ActorGraph;

// Run-time errors, named after TensorFlow's status codes.
public class ActorGraphException : Exception
{
    public ActorGraphException(string message, Exception? inner = null) : base(message, inner) { }
}

public class InvalidArgumentException(string message, Exception? inner = null) : ActorGraphException(message, inner);

public class FailedPreconditionException(string message, Exception? inner = null) : ActorGraphException(message, inner);

public class NotFoundException(string message, Exception? inner = null) : ActorGraphException(message, inner);

public class UnavailableException(string message, Exception? inner = null) : ActorGraphException(message, inner);

public class AbortedException(string message, Exception? inner = null) : ActorGraphException(message, inner);

public class DeadlineExceededException(string message, Exception? inner = null) : ActorGraphException(message, inner);

// A cluster refused this client or node: it does not know the cluster's secret.
public class PermissionDeniedException(string message, Exception? inner = null) : ActorGraphException(message, inner);

public class InternalException(string message, Exception? inner = null) : ActorGraphException(message, inner);

// TensorFlow's DATA_LOSS: stored data is corrupt or truncated (a checkpoint's bytes, for one).
public class DataLossException(string message, Exception? inner = null) : ActorGraphException(message, inner);

// TensorFlow's OUT_OF_RANGE: an iterator has no more elements ("End of sequence").
public class OutOfRangeException(string message, Exception? inner = null) : ActorGraphException(message, inner);
