#include "iot-pub/pub.hpp"

int main(int argc, char** argv) { return iot::pub::run(argc, argv); }
