package dev.pave.spec;

import java.util.List;

/** Everything read from one input: the objects that read cleanly and every problem found. */
public record ReadResult(List<Document<?>> documents, List<Problem> problems) {
  public ReadResult {
    documents = List.copyOf(documents);
    problems = List.copyOf(problems);
  }

  public boolean ok() {
    return problems.isEmpty();
  }

  public List<Document<Application>> applications() {
    return of(Application.class);
  }

  public List<Document<Environment>> environments() {
    return of(Environment.class);
  }

  @SuppressWarnings("unchecked")
  private <T> List<Document<T>> of(Class<T> type) {
    return documents.stream().filter(d -> type.isInstance(d.value()))
        .map(d -> (Document<T>) d).toList();
  }
}
