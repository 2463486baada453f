#include "iot-replay/replay.hpp"

int main(int argc, char** argv) { return iot::replay::run(argc, argv); }
