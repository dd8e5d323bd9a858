package org.sidis.rpc;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Every failure a stub reports to its caller is one of these (unchecked, as the interface declares none). */
public class RpcException extends RuntimeException {

  public RpcException(String message) {
    super(message);
  }

  public RpcException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The RpcException inside a CompletionException or ExecutionException (or the failure itself). */
  public static RuntimeException unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
    if (t instanceof RuntimeException r) return r;
    return new RpcException(String.valueOf(t), t);
  }

  /** A parameter or result cannot be marshalled (or the request is too large); nothing was sent. */
  public static final class MarshallingException extends RpcException {
    public MarshallingException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The server ran the call and the implementation threw, or refused the call (unknown method, bad arguments). */
  public static final class RemoteException extends RpcException {
    private final String kind;
    private final String remoteType;

    public RemoteException(String kind, String remoteType, String message) {
      super(kind + ": " + remoteType + (message == null ? "" : ": " + message));
      this.kind = kind;
      this.remoteType = remoteType;
    }

    /** {@code application} (the implementation threw), {@code unknown-method}, {@code bad-arguments}, {@code too-large}. */
    public String kind() {
      return kind;
    }

    public String remoteType() {
      return remoteType;
    }
  }

  /** No answer within the call's deadline. */
  public static final class DeadlineExceededException extends RpcException {
    public DeadlineExceededException(String message) {
      super(message);
    }
  }

  /** Nobody registered the service in the registry within the deadline. */
  public static final class ServiceUnavailableException extends RpcException {
    public ServiceUnavailableException(String message) {
      super(message);
    }
  }

  /** Every replica tried failed; {@link #failures()} says how each one did. */
  public static final class AllReplicasFailedException extends RpcException {
    private final List<String> failures;

    public AllReplicasFailedException(String call, List<String> failures) {
      super(call + ": every replica failed — " + String.join("; ", failures));
      this.failures = List.copyOf(failures);
    }

    public List<String> failures() {
      return failures;
    }
  }
}
