package com.microsoft.aad.msal4j;

import java.util.Map;

/**
 * Test-only: msal4j reads the managed identity environment ({@code IDENTITY_ENDPOINT},
 * {@code IDENTITY_HEADER}, ...) from the process environment, not from azure-core's
 * {@code Configuration}; its package-private hook lets an in-process test point the real
 * ManagedIdentityCredential at a loopback endpoint without mutating the process environment.
 */
public final class ManagedIdentityTestEnvironment {
  private ManagedIdentityTestEnvironment() {}

  public static void set(Map<String, String> env) {
    Map<String, String> copy = Map.copyOf(env);
    ManagedIdentityApplication.setEnvironmentVariables(copy::get);
  }

  public static void reset() {
    ManagedIdentityApplication.setEnvironmentVariables(null);
  }
}
