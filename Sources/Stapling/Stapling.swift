// Stapling
