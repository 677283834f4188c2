"""Benchmark harness: filled in as the catalog and commissions grow."""

if __name__ == "__main__":
    print("No benchmarks yet.")
