package org.sidis.files;

/** {@link StatelessFiles} over a {@link FileStore}: nothing but the store survives a request. */
public final class StatelessFileServer implements StatelessFiles {

  private final FileStore store;

  public StatelessFileServer(FileStore store) {
    this.store = store;
  }

  @Override
  public String read(String path, long offset, int length) {
    return store.read(path, offset, length);
  }

  @Override
  public void write(String path, long offset, String data) {
    store.write(path, offset, data);
  }

  @Override
  public long size(String path) {
    return store.size(path);
  }
}
