#include "iot-waveform/waveform.hpp"

int main(int argc, char** argv) { return iot::waveform::run(argc, argv); }
