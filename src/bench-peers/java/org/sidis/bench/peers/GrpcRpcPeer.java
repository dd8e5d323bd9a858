package org.sidis.bench.peers;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import org.HdrHistogram.Histogram;
import org.sidis.bench.ChildJvm;
import org.sidis.bench.ConcurrentCallers;
import org.sidis.bench.RpcPeer;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * gRPC-Java as the peer of {@code sidis bench rpc}: a unary echo method whose server runs in a
 * child JVM ({@link #main}, Netty transport on loopback, plaintext, gRPC's default executor) and
 * whose client calls it from this JVM with a blocking stub call, one call at a time — the shape of
 * a sidis synchronous stub call — and, for the caller curve, from N threads at once on the one
 * {@link ManagedChannel}, as a gRPC user shares a channel among threads. Requests and replies are raw bytes (a byte-array marshaller, so no
 * protobuf code generation is needed and no serialization cost is hidden on either side).
 */
public final class GrpcRpcPeer implements RpcPeer {

  static final String VERSION = "1.85.1";

  /** Bytes in, the same bytes out. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName("sidis.bench.Echo", "Echo"))
      .setRequestMarshaller(BYTES)
      .setResponseMarshaller(BYTES)
      .build();

  @Override
  public String name() {
    return "grpc-java-" + VERSION + "-unary";
  }

  @Override
  public Result run(Params params) throws Exception {
    List<String> cmd = ChildJvm.command(List.of("-Xmx512m"), GrpcRpcPeer.class.getName(), List.of());
    Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      // Its output is read on a thread of its own for as long as it runs: log lines (gRPC's and Netty's, at whatever
      // level the class path's logging sets) may come before the port and after it, and an unread pipe would stall it.
      java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
      Thread drain = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l; (l = out.readLine()) != null; ) {
            if (l.startsWith("port ")) lines.add(l);
          }
        } catch (IOException ignored) {
          // the server is gone
        }
      }, "grpc-server-output");
      drain.setDaemon(true);
      drain.start();
      String line = lines.poll(60, TimeUnit.SECONDS);
      if (line == null) {
        throw new IllegalStateException("the gRPC server printed no port within 60 s" + (server.isAlive() ? "" : "; it exited " + server.exitValue()));
      }
      int port = Integer.parseInt(line.substring(5).trim());
      ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
      try {
        byte[] request = new byte[params.size()];
        java.util.Arrays.fill(request, (byte) 'x');
        for (int i = 0; i < params.warmupCalls(); i++) call(channel, request);
        Histogram h = new Histogram(3);
        for (int i = 0; i < params.calls(); i++) {
          long t = System.nanoTime();
          call(channel, request);
          h.recordValue((System.nanoTime() - t) / 1000);
        }
        List<ConcurrentCallers.Point> points = new ArrayList<>();
        for (int n : params.callers()) {
          points.add(ConcurrentCallers.measure(n, params.callersWarmup(), params.callersWindow(), () -> call(channel, request)));
        }
        return new Result(name(), h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), points);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
    }
  }

  private static void call(ManagedChannel channel, byte[] request) {
    byte[] reply = ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, request);
    if (reply.length != request.length) throw new IllegalStateException("echo returned " + reply.length + " bytes for " + request.length);
  }

  /** The server JVM: binds a free port, prints {@code port N}, serves until killed or its parent goes. */
  public static void main(String[] args) throws Exception {
    ChildJvm.exitWithParent();
    ServerServiceDefinition echo = ServerServiceDefinition.builder("sidis.bench.Echo")
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, reply) -> {
          reply.onNext(request);
          reply.onCompleted();
        }))
        .build();
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(echo).build().start();
    System.out.println("port " + server.getPort());
    System.out.flush();
    // Exit when the benchmark that started us is gone (stdin closes), so no server outlives it.
    Thread watcher = new Thread(() -> {
      try {
        while (System.in.read() >= 0) { /* nothing is sent */ }
      } catch (IOException ignored) {
        // the parent is gone either way
      }
      server.shutdownNow();
    });
    watcher.setDaemon(true);
    watcher.start();
    server.awaitTermination();
  }
}
