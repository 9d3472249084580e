"""The public face: pages anyone can read, without login. Owns no models."""
