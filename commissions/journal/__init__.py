"""The build journal: milestones, progress updates with photos, design proofs with pins,
change orders and the promised date's changes."""
