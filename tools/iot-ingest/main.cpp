#include "iot-ingest/ingest.hpp"

int main(int argc, char** argv) { return iot::ingest::run(argc, argv); }
