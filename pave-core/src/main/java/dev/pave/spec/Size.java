package dev.pave.spec;

/** Resource presets, so most specs never spell out CPU and memory. */
public enum Size {
  SMALL("100m", "128Mi", "500m", "256Mi"),
  MEDIUM("250m", "512Mi", "1", "1Gi"),
  LARGE("1", "2Gi", "2", "4Gi");

  public final String cpuRequest;
  public final String memoryRequest;
  public final String cpuLimit;
  public final String memoryLimit;

  Size(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {
    this.cpuRequest = cpuRequest;
    this.memoryRequest = memoryRequest;
    this.cpuLimit = cpuLimit;
    this.memoryLimit = memoryLimit;
  }
}
