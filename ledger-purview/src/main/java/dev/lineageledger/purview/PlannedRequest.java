package dev.lineageledger.purview;

import com.fasterxml.jackson.databind.JsonNode;

/** A request a dry run would have sent: method, full URL, JSON body (or null). */
public record PlannedRequest(String method, String url, JsonNode body) {}
