package dev.lineageledger.benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection to a loopback server, blocking, for load generation: it
 * writes the request in one send and reads the status line, the headers and a Content-Length or
 * chunked body, nothing else. Its CPU per exchange is a few microseconds, so on a machine whose
 * cores the client shares with the server the figure is the server's, not the client library's
 * (the JDK's HttpClient spends ~2 ms of hand-offs per exchange here; see docs/SERVER.md).
 */
final class LoopbackHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String host;

  LoopbackHttp(InetSocketAddress server) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(server, 5_000);
    socket.setSoTimeout(60_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    host = server.getHostString() + ":" + server.getPort();
  }

  /** POSTs a JSON body and answers the status code, after reading the whole response. */
  int post(String path, String bearer, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host
        + "\r\nAuthorization: Bearer " + bearer
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    out.write(request);
    out.flush();
    return readResponse();
  }

  private int readResponse() throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      String name = colon < 0 ? h : h.substring(0, colon).trim();
      String value = colon < 0 ? "" : h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
        throw new IOException("the server closed the connection (HTTP " + code + ")");
      }
    }
    if (chunked) {
      for (long n = Long.parseLong(chunkSize(line()), 16); n > 0;
          n = Long.parseLong(chunkSize(line()), 16)) {
        skip(n);
        line();
      }
      while (!line().isEmpty()) {
        // trailer fields
      }
    } else if (length >= 0) {
      skip(length);
    } else {
      throw new IOException("a response without Content-Length or chunked encoding");
    }
    return code;
  }

  private static String chunkSize(String line) {
    int semi = line.indexOf(';');
    return (semi < 0 ? line : line.substring(0, semi)).trim();
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      long k = in.skip(n);
      if (k <= 0) {
        if (in.read() < 0) {
          throw new IOException("the connection ended inside a response body");
        }
        k = 1;
      }
      n -= k;
    }
  }

  private final ByteArrayOutputStream lineBuffer = new ByteArrayOutputStream(128);

  private String line() throws IOException {
    lineBuffer.reset();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the connection ended inside a response");
      }
      if (b != '\r') {
        lineBuffer.write(b);
      }
    }
    return lineBuffer.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
