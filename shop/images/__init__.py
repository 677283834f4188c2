"""The shared image pipeline: check and clean uploads, then render sizes in the background."""
